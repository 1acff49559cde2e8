/**
 * Renderer entry: starts the relay connection, subscribes the stores to relay events, reloads
 * profiles and sessions on every (re)connection, and mounts the app (once the relay's socket is
 * open, or after at most {@link SOCKET_HEAD_START_MS}). The profiles' first answer
 * marks the first screen as shown (ui/first-screen.ts): what it does not need loads after it.
 */
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { connection } from './backend/connection.svelte.js';
import { hostKeys } from './stores/host-keys.svelte.js';
import { secrets } from './stores/secrets.svelte.js';
import { profiles } from './stores/profiles.svelte.js';
import { sessions } from './stores/sessions.svelte.js';
import { firstScreenShown } from './ui/first-screen.js';

connection.start();
sessions.init();
hostKeys.init();
secrets.init();
connection.onConnected(() => {
  void profiles.refresh().then(firstScreenShown);
  void sessions.refresh().then(() => sessions.rejoinActive());
});

/**
 * Longest wait (ms) for the relay's socket to open before the app is mounted anyway. Mounting
 * takes the main thread for tens of ms, and a socket that opens meanwhile is told so only after
 * it: mounting once the socket is open lets the first requests travel during the mount.
 */
const SOCKET_HEAD_START_MS = 30;

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element.');
const mountTarget = target;

void new Promise<void>((resolve) => {
  const stop = connection.onConnected(() => {
    stop();
    resolve();
  });
  setTimeout(resolve, SOCKET_HEAD_START_MS);
}).then(() => mount(App, { target: mountTarget }));

/**
 * Renderer entry: starts the relay connection, subscribes the stores to relay events, reloads
 * profiles and sessions on every (re)connection, and mounts the app. The profiles' first answer
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

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element.');

export default mount(App, { target });

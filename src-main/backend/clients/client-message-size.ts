/**
 * The size cap on one client message, apart from its validation (`client-message-validation.ts`,
 * which builds zod schemas): the web server sizes its WebSocket frames with it before the rest of
 * the backend is loaded.
 */

/** Largest client message the relay accepts, in characters (the DAP framing cap is 16 MiB too). */
export const MAX_CLIENT_MESSAGE_CHARS = 16 * 1024 * 1024;

/**
 * The debug console's size in character cells as last laid out (set by the console view), so a
 * launch of a program that runs in a terminal starts it with the size it will be shown at
 * (`LaunchParams.terminalSize`). Null until the console has been laid out.
 */
export const consoleSize: { current: { cols: number; rows: number } | null } = { current: null };

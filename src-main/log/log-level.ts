/** Log levels, least to most severe; their own module so the logger's parts share them. */

/** How severe a log line is. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Levels by rank: a logger writes lines whose rank is at least its minimum's. */
export const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

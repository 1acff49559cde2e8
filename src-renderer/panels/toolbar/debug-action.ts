/** What a button of the debug toolbar (or its keyboard shortcut) asks for. */
export type DebugAction =
  | 'continue'
  | 'pause'
  | 'next'
  | 'stepIn'
  | 'stepOut'
  | 'stop'
  | 'restart'
  | 'detach'
  | 'runToCursor'
  | 'jumpToCursor';

/**
 * The DAP requests a client sends to a debug adapter (the tracer), by `command`, with their
 * argument and response types from `@vscode/debugprotocol`. Lets `DapConnection.call` type its
 * arguments and result. Reverse requests (`runInTerminal`, `startDebugging`) go the other way and
 * are not listed.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** One request's types: `args` is `undefined` where the request takes no arguments. */
interface CommandTypes<Args, Response extends DebugProtocol.Response> {
  args: Args;
  response: Response;
}

/** Client-to-adapter DAP requests by `command` (DAP specification, "Requests"). */
export interface DapCommands {
  cancel: CommandTypes<DebugProtocol.CancelRequest['arguments'], DebugProtocol.CancelResponse>;
  initialize: CommandTypes<
    DebugProtocol.InitializeRequest['arguments'],
    DebugProtocol.InitializeResponse
  >;
  configurationDone: CommandTypes<
    DebugProtocol.ConfigurationDoneRequest['arguments'],
    DebugProtocol.ConfigurationDoneResponse
  >;
  launch: CommandTypes<DebugProtocol.LaunchRequest['arguments'], DebugProtocol.LaunchResponse>;
  attach: CommandTypes<DebugProtocol.AttachRequest['arguments'], DebugProtocol.AttachResponse>;
  restart: CommandTypes<DebugProtocol.RestartRequest['arguments'], DebugProtocol.RestartResponse>;
  disconnect: CommandTypes<
    DebugProtocol.DisconnectRequest['arguments'],
    DebugProtocol.DisconnectResponse
  >;
  terminate: CommandTypes<
    DebugProtocol.TerminateRequest['arguments'],
    DebugProtocol.TerminateResponse
  >;
  breakpointLocations: CommandTypes<
    DebugProtocol.BreakpointLocationsRequest['arguments'],
    DebugProtocol.BreakpointLocationsResponse
  >;
  setBreakpoints: CommandTypes<
    DebugProtocol.SetBreakpointsRequest['arguments'],
    DebugProtocol.SetBreakpointsResponse
  >;
  setFunctionBreakpoints: CommandTypes<
    DebugProtocol.SetFunctionBreakpointsRequest['arguments'],
    DebugProtocol.SetFunctionBreakpointsResponse
  >;
  setExceptionBreakpoints: CommandTypes<
    DebugProtocol.SetExceptionBreakpointsRequest['arguments'],
    DebugProtocol.SetExceptionBreakpointsResponse
  >;
  dataBreakpointInfo: CommandTypes<
    DebugProtocol.DataBreakpointInfoRequest['arguments'],
    DebugProtocol.DataBreakpointInfoResponse
  >;
  setDataBreakpoints: CommandTypes<
    DebugProtocol.SetDataBreakpointsRequest['arguments'],
    DebugProtocol.SetDataBreakpointsResponse
  >;
  setInstructionBreakpoints: CommandTypes<
    DebugProtocol.SetInstructionBreakpointsRequest['arguments'],
    DebugProtocol.SetInstructionBreakpointsResponse
  >;
  continue: CommandTypes<
    DebugProtocol.ContinueRequest['arguments'],
    DebugProtocol.ContinueResponse
  >;
  next: CommandTypes<DebugProtocol.NextRequest['arguments'], DebugProtocol.NextResponse>;
  stepIn: CommandTypes<DebugProtocol.StepInRequest['arguments'], DebugProtocol.StepInResponse>;
  stepOut: CommandTypes<DebugProtocol.StepOutRequest['arguments'], DebugProtocol.StepOutResponse>;
  stepBack: CommandTypes<
    DebugProtocol.StepBackRequest['arguments'],
    DebugProtocol.StepBackResponse
  >;
  reverseContinue: CommandTypes<
    DebugProtocol.ReverseContinueRequest['arguments'],
    DebugProtocol.ReverseContinueResponse
  >;
  restartFrame: CommandTypes<
    DebugProtocol.RestartFrameRequest['arguments'],
    DebugProtocol.RestartFrameResponse
  >;
  goto: CommandTypes<DebugProtocol.GotoRequest['arguments'], DebugProtocol.GotoResponse>;
  pause: CommandTypes<DebugProtocol.PauseRequest['arguments'], DebugProtocol.PauseResponse>;
  stackTrace: CommandTypes<
    DebugProtocol.StackTraceRequest['arguments'],
    DebugProtocol.StackTraceResponse
  >;
  scopes: CommandTypes<DebugProtocol.ScopesRequest['arguments'], DebugProtocol.ScopesResponse>;
  variables: CommandTypes<
    DebugProtocol.VariablesRequest['arguments'],
    DebugProtocol.VariablesResponse
  >;
  setVariable: CommandTypes<
    DebugProtocol.SetVariableRequest['arguments'],
    DebugProtocol.SetVariableResponse
  >;
  source: CommandTypes<DebugProtocol.SourceRequest['arguments'], DebugProtocol.SourceResponse>;
  threads: CommandTypes<undefined, DebugProtocol.ThreadsResponse>;
  terminateThreads: CommandTypes<
    DebugProtocol.TerminateThreadsRequest['arguments'],
    DebugProtocol.TerminateThreadsResponse
  >;
  modules: CommandTypes<DebugProtocol.ModulesRequest['arguments'], DebugProtocol.ModulesResponse>;
  loadedSources: CommandTypes<
    DebugProtocol.LoadedSourcesRequest['arguments'],
    DebugProtocol.LoadedSourcesResponse
  >;
  evaluate: CommandTypes<
    DebugProtocol.EvaluateRequest['arguments'],
    DebugProtocol.EvaluateResponse
  >;
  setExpression: CommandTypes<
    DebugProtocol.SetExpressionRequest['arguments'],
    DebugProtocol.SetExpressionResponse
  >;
  stepInTargets: CommandTypes<
    DebugProtocol.StepInTargetsRequest['arguments'],
    DebugProtocol.StepInTargetsResponse
  >;
  gotoTargets: CommandTypes<
    DebugProtocol.GotoTargetsRequest['arguments'],
    DebugProtocol.GotoTargetsResponse
  >;
  completions: CommandTypes<
    DebugProtocol.CompletionsRequest['arguments'],
    DebugProtocol.CompletionsResponse
  >;
  exceptionInfo: CommandTypes<
    DebugProtocol.ExceptionInfoRequest['arguments'],
    DebugProtocol.ExceptionInfoResponse
  >;
  readMemory: CommandTypes<
    DebugProtocol.ReadMemoryRequest['arguments'],
    DebugProtocol.ReadMemoryResponse
  >;
  writeMemory: CommandTypes<
    DebugProtocol.WriteMemoryRequest['arguments'],
    DebugProtocol.WriteMemoryResponse
  >;
  disassemble: CommandTypes<
    DebugProtocol.DisassembleRequest['arguments'],
    DebugProtocol.DisassembleResponse
  >;
  locations: CommandTypes<
    DebugProtocol.LocationsRequest['arguments'],
    DebugProtocol.LocationsResponse
  >;
}

/** A `command` of {@link DapCommands}. */
export type DapCommand = keyof DapCommands;

/** The arguments of `command` (`undefined` for `threads`). */
export type DapCommandArgs<C extends DapCommand> = DapCommands[C]['args'];

/** The response type of `command`. */
export type DapCommandResponse<C extends DapCommand> = DapCommands[C]['response'];

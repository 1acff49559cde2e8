/**
 * The verdicts of the attach-by-PID injector probe (`debugpy-injector.ts`), kept per machine
 * (`user@host:port`) and per `<interpreter>|<injector path>`, so the throwaway-process probe
 * runs once rather than before every attach. In memory only, for {@link VERDICT_TTL_MS}: a
 * package upgrade or a reboot may change a verdict, and the preflight always probes afresh.
 */

/** The injectors, in the order they are tried: debugpy's own choice on Linux first. */
export const INJECTORS = ['gdb', 'lldb'] as const;

/** An injector's name. */
export type InjectorName = (typeof INJECTORS)[number];

/** One injector's verdict on one interpreter of one machine. */
export interface InjectorVerdict {
  injector: InjectorName;
  /** Where it was found on the remote PATH; null = not installed. */
  path: string | null;
  /** It injected into a throwaway process, which ran the code and lived on. */
  ok: boolean;
  /** Why not, in the injector's own words (e.g. "Couldn't write extended state status: …"). */
  cause: string;
  /** The verdict was kept from an earlier probe rather than probed now. */
  kept: boolean;
  /** Not on the remote PATH. */
  missing?: boolean;
  /** `<interpreter>|<injector path>`: what the verdict is about. */
  key?: string;
}

/** How long a verdict is trusted, in ms (one hour). */
export const VERDICT_TTL_MS = 60 * 60_000;

/** At most this many machines are remembered; the oldest is forgotten first. */
const MAX_MACHINES = 256;

/** A kept verdict, as the helper takes it (`inject_debugpy.py`: `verdicts`). */
export interface KeptVerdict {
  ok: boolean;
  cause: string;
}

/** Verdicts by machine (see the module comment). */
export class InjectorVerdicts {
  private readonly byMachine = new Map<string, Map<string, KeptVerdict & { at: number }>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The fresh verdicts for `machine`, keyed `<interpreter>|<injector path>`. */
  get(machine: string): Record<string, KeptVerdict> {
    const kept = this.byMachine.get(machine);
    const fresh: Record<string, KeptVerdict> = {};
    for (const [key, { ok, cause, at }] of kept ?? [])
      if (this.now() - at < VERDICT_TTL_MS) fresh[key] = { ok, cause };
    return fresh;
  }

  /** Keeps the verdicts that were probed now (not those that were themselves kept). */
  record(machine: string, verdicts: readonly InjectorVerdict[]): void {
    const probed = verdicts.filter((v) => !v.kept && v.key);
    if (probed.length === 0) return;
    const kept = this.byMachine.get(machine) ?? new Map<string, KeptVerdict & { at: number }>();
    this.byMachine.delete(machine);
    for (const v of probed) kept.set(v.key!, { ok: v.ok, cause: v.cause, at: this.now() });
    this.byMachine.set(machine, kept);
    while (this.byMachine.size > MAX_MACHINES)
      this.byMachine.delete(this.byMachine.keys().next().value!);
  }
}

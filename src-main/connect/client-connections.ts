/**
 * SSH connections the relay makes for one client: host keys are checked against the known_hosts
 * files and an unknown one is asked of that client (`host-key-prompts.ts`, like OpenSSH's
 * `StrictHostKeyChecking ask`); passwords and passphrases come from the secret store or are asked
 * of that client (`secret-prompts.ts`, like `SSH_ASKPASS`). Owns both kinds of open questions,
 * which only the asked client may answer and which are dropped when it goes away.
 */
import type { Logger } from '../log/logger.js';
import type { ProfileStore } from '../profiles/profile-store.js';
import type { SecretStore } from '../profiles/secret-store.js';
import type { Profile } from '../../src-common/protocol/profile.js';
import type { ReconnectingSsh } from '../ssh/connection/reconnecting-ssh.js';
import type { HostKeyPolicy, SshConnection } from '../ssh/connection/ssh-connection.js';
import { HostKeyPrompts, type HostKeyAsker } from './host-key-prompts.js';
import { connectProfile, connectProfileKeepingUp, type ConnectExtras } from './profile-connect.js';
import { SecretPrompts, secretSourceFor, type SecretAsker } from './secret-prompts.js';

/** The client a connection asks about host keys and secrets (the relay's client handle is one). */
export type ConnectionAsker = HostKeyAsker & SecretAsker;

/** Options of {@link ClientConnections}. */
export interface ClientConnectionsOptions {
  /** Looks up the profiles that jump hosts refer to. */
  profileStore: Pick<ProfileStore, 'get'>;
  /** known_hosts files consulted. */
  knownHostsFiles: string[];
  /** Where keys the user accepts are added (Periscope's own known_hosts). */
  trustedHostsFile: string;
  /** Where passwords and passphrases may be kept. */
  secretStore: SecretStore;
  /** The relay's logger; connections log under its `preflight` and `links` children. */
  logger: Logger;
}

/** See the module comment. */
export class ClientConnections {
  private readonly hostKeyPrompts = new HostKeyPrompts();
  private readonly secretPrompts = new SecretPrompts();

  constructor(private readonly options: ClientConnectionsOptions) {}

  /**
   * Runs `connect` with a host key policy and secrets that ask `client`. When it fails with
   * `auth-failed`, the stored and just-typed passwords and passphrases it used for the server that
   * refused are forgotten (they are asked next time; a cancelled question forgets nothing), and
   * the error is rethrown.
   */
  async asking<T>(
    client: ConnectionAsker,
    connect: (hostKeys: HostKeyPolicy, extras: ConnectExtras) => Promise<T>,
  ): Promise<T> {
    const secrets = secretSourceFor(this.options.secretStore, this.secretPrompts, client);
    return connect(this.hostKeysFor(client), this.extras(secrets.source)).catch(
      async (error: unknown) => {
        if ((error as { code?: unknown }).code === 'auth-failed') await secrets.forgetUsed(error);
        throw error;
      },
    );
  }

  /**
   * A plain SSH connection to `profile`'s machine, asking `client` about host keys and secrets.
   * @throws SshError as `connectProfile`.
   */
  connect(client: ConnectionAsker, profile: Profile): Promise<SshConnection> {
    // Through `asking`: a password the server refused must not be reused by the next connection.
    return this.asking(client, (hostKeys, extras) =>
      connectProfile(profile, hostKeys, this.options.logger.child('preflight'), extras),
    );
  }

  /**
   * Makes a kept-up SSH link to `profile`'s machine (reconnects by itself), asking `client` about
   * host keys and secrets; for the shared links of forwards and log tails.
   */
  keepingUp(client: ConnectionAsker, profile: Profile): () => Promise<ReconnectingSsh> {
    return () =>
      this.asking(client, (hostKeys, extras) =>
        connectProfileKeepingUp(profile, hostKeys, this.options.logger.child('links'), extras),
      );
  }

  /**
   * Records `client`'s answer to its host key question `promptId`.
   * @returns false when that question is no longer open for this client.
   */
  answerHostKey(client: ConnectionAsker, promptId: string, accept: boolean): boolean {
    return this.hostKeyPrompts.answer(client, promptId, accept);
  }

  /**
   * Records `client`'s answer to its secret question `promptId` (`null` = cancelled).
   * @returns false when that question is no longer open for this client.
   */
  answerSecret(
    client: ConnectionAsker,
    promptId: string,
    answers: string[] | null,
    remember: boolean,
  ): boolean {
    return this.secretPrompts.answer(client, promptId, answers, remember);
  }

  /** A client went away: its open questions count as "no" and cancelled. */
  dropClient(client: ConnectionAsker): void {
    this.hostKeyPrompts.dropAsker(client);
    this.secretPrompts.dropAsker(client);
  }

  private hostKeysFor(client: ConnectionAsker): HostKeyPolicy {
    return {
      knownHostsFiles: this.options.knownHostsFiles,
      trustedHostsFile: this.options.trustedHostsFile,
      askUser: (question) => this.hostKeyPrompts.ask(client, question),
    };
  }

  private extras(secrets: ConnectExtras['secrets']): ConnectExtras {
    return { secrets, lookupProfile: (id) => this.options.profileStore.get(id) };
  }
}

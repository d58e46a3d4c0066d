import { createServer } from 'node:net';

/** A port the stack needs is taken; the message says what to do about it. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly port: number,
    message: string,
  ) {
    super(message);
  }
}

export interface PortRole {
  /** What listens there, for the message: "the CRM", "the Auth emulator". */
  readonly what: string;
  /** How to choose another port, e.g. "--port or CRM_PORT". */
  readonly option: string;
}

export function portInUseMessage(port: number, role: PortRole): string {
  return `Port ${port} is already in use (is another CRM running?). ${role.what} needs it; choose another with ${role.option}.`;
}

/**
 * Fails with `PortInUseError` when `port` cannot be bound on `host`. Checked up
 * front so the user gets one clear sentence instead of a stack trace from deep
 * inside firebase-tools or Express.
 */
export async function assertPortFree(host: string, port: number, role: PortRole): Promise<void> {
  if (port === 0) return;
  try {
    await listenAndClose(host, port);
  } catch (error) {
    if (isAddressInUse(error)) throw new PortInUseError(port, portInUseMessage(port, role));
    throw error;
  }
}

/**
 * A port that is free now, for a server that binds it only later (the Auth
 * emulator needs ~10 s). Picked below the OS's ephemeral range (32768+ on
 * Linux, 49152+ elsewhere), so no `listen(0)` in the meantime (our own runtime,
 * a parallel test) can be handed the same port before the emulator binds it.
 */
export async function pickFreePort(host: string): Promise<number> {
  for (let attempt = 0; attempt < 40; attempt += 1) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    try {
      return await listenAndClose(host, candidate);
    } catch (error) {
      if (!isAddressInUse(error) && (error as NodeJS.ErrnoException | null)?.code !== 'EACCES') throw error;
    }
  }
  return listenAndClose(host, 0);
}

export function isAddressInUse(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE';
}

function listenAndClose(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : port;
      server.close(() => resolve(bound));
    });
  });
}

// Errors are values with a place. The CLI prints `message` on one line (prefixed with
// file:line:column when known) and exits with `exitCode`; it never prints a stack trace for them.

export const ExitCode = {
  ok: 0,
  /** An action failed, or an error-severity assertion failed. */
  actionFailed: 1,
  /** The project, config or command line is invalid; nothing was executed. */
  invalid: 2,
  /** The warehouse could not be reached or refused the credentials. */
  unreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorPlace {
  file?: string;
  line?: number;
  column?: number;
}

export class StrataError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.invalid,
    readonly place: ErrorPlace = {},
  ) {
    super(message);
    this.name = "StrataError";
  }

  /** `file:line:column: message`, the one line the CLI prints. */
  oneLine(): string {
    return formatWithPlace(this.message, this.place);
  }
}

/** A problem with the user's project, config or flags: exit 2. */
export class UserError extends StrataError {
  constructor(message: string, place: ErrorPlace = {}) {
    super(message, ExitCode.invalid, place);
    this.name = "UserError";
  }
}

/** The warehouse could not be reached or refused the credentials: exit 3. */
export class ConnectionError extends StrataError {
  constructor(message: string) {
    super(message, ExitCode.unreachable);
    this.name = "ConnectionError";
  }
}

export function formatWithPlace(message: string, place: ErrorPlace): string {
  if (!place.file) return message;
  let where = place.file;
  if (place.line !== undefined) where += `:${place.line}`;
  if (place.line !== undefined && place.column !== undefined) where += `:${place.column}`;
  return `${where}: ${message}`;
}

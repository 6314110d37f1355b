export type ErrorCode =
  | 'E_USAGE'
  | 'E_READ'
  | 'E_PARSE'
  | 'E_CONTEXT'
  | 'E_TEMPLATE'
  | 'E_CONFLICT'
  | 'E_WRITE'
  | 'E_INTERNAL';

/** An error about the user's input or environment: reported as one line, never with a stack. */
export class DockerizeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DockerizeError';
  }
}

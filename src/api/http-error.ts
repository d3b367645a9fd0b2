// Domain errors the API answers with: a status code and a stable, machine-readable code.
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** What went wrong underneath: logged with the error, never sent to the client. */
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

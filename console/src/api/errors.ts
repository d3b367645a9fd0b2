// The API's error body ({ error: { code, message, details } }) as the page shows it.
export interface ApiError {
  code: string;
  message: string;
  details?: unknown;
}

/** The error of an openapi-fetch answer, or a generic one when the body is not the API's. */
export function apiErrorOf(error: unknown, fallback = 'Something went wrong; try again'): ApiError {
  const body = (error as { error?: Partial<ApiError> } | undefined)?.error;
  if (body && typeof body.message === 'string') return { code: body.code ?? 'error', message: body.message, details: body.details };
  return { code: 'error', message: fallback };
}

/** Stytch's bounds on `session_duration_minutes`: 5 minutes to a year (366 days). */
export const MIN_SESSION_DURATION_MINUTES = 5;
export const MAX_SESSION_DURATION_MINUTES = 527040;

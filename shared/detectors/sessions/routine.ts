/**
 * The significance levels of the session detectors' own tests (`--alert-rate auto`), in one place.
 * Neither was tuned on labels (decisions.md 30 has what was measured with them).
 */

/** A relation is an invariant when 98 % of the sessions using its events keep it: loglizer's `percentage`. */
export const ROUTINE_SHARE = 0.98;

/**
 * How sure the order miner must be that a relation holds in ROUTINE_SHARE of sessions (a one-sided
 * binomial test at the conventional 95 %), so that a relation seen in few sessions is not mined on luck.
 */
export const INVARIANT_CONFIDENCE = 0.95;

/**
 * An event is rare when fewer than 0.5 % of training sessions contain it: the share the window
 * detectors flag by default. Not 2 % (1 − ROUTINE_SHARE): on generated shop sessions, legitimate
 * events (a password reset) sit at 1–1.5 % of sessions, and flagging them drowned the real anomalies.
 */
export const RARE_EVENT_SHARE = 0.005;

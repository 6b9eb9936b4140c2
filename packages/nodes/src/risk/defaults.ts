/**
 * Defaults of the local risk provider, one comment per option. The numbers follow PingOne
 * Protect's default policy and documented predictor rules (see reference/risk-notes.md) so that
 * a flow moved between Protect and Waymark behaves alike.
 */
export const LOCAL_RISK_DEFAULTS = {
  weights: {
    /** Behaviour predictor (the user's own travel history): 75, like Protect's behaviour predictors. */
    impossibleTravel: 75,
    /** Device predictor: 75. An unknown device alone makes an evaluation HIGH, as in Protect. */
    newDevice: 75,
    /** Device predictor: 75; a bot user agent also recommends BOT_MITIGATION. */
    botDetection: 75,
    /** Behaviour predictor (recent failures of this user): 75. */
    userVelocity: 75,
    /** IP-type predictor (recent failures from this IP): 50, like Protect's IP predictors. */
    ipVelocity: 50,
  },
  thresholds: {
    /** Scores from here are MEDIUM (Protect default 40). A MEDIUM predictor counts half its weight. */
    medium: 40,
    /** Scores from here are HIGH (Protect default 75). */
    high: 75,
  },
  travel: {
    /** Only a previous success younger than this counts for impossible travel (Protect: 24 h). */
    maxAgeHours: 24,
    /** Shorter jumps are geolocation noise, not travel (Protect: 100 km). */
    minDistanceKm: 100,
    /** Faster than an airliner is impossible (Protect: 1000 km/h). */
    maxSpeedKmh: 1000,
  },
  failures: {
    /** How long a failed attempt counts, in seconds (one hour). */
    windowSeconds: 3600,
    /** Failures of one user within the window that make the user velocity MEDIUM. */
    userMedium: 3,
    /** … and HIGH. */
    userHigh: 5,
    /** Failures from one IP within the window that make the IP velocity MEDIUM (IPs are shared: NAT, proxies). */
    ipMedium: 10,
    /** … and HIGH. */
    ipHigh: 25,
  },
  /** Known devices remembered per user; the least recently seen is forgotten first. */
  maxKnownDevices: 10,
  /** How long the last successful login's location is kept, in seconds (90 days). */
  lastSuccessTtlSeconds: 90 * 24 * 3600,
  /** How long an evaluation waits for its completion, in seconds (one hour). */
  evaluationTtlSeconds: 3600,
};

export type LocalRiskOptions = typeof LOCAL_RISK_DEFAULTS & {
  /** An mmdb file of the `{ country_code }` shape that the operator keeps current; default: the shipped one. */
  geoDatabasePath?: string;
};

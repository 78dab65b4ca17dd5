// The recorded output of a run: particle states at each output time, time-major typed arrays.

/**
 * Snapshots of every particle at every output time. Index of particle i at output time k is k * n + i.
 * Positions of stranded particles stay at their stranding point; unreleased particles have status
 * `Status.unreleased` and NaN positions. Writers turn these into fill values.
 */
export interface Trajectory {
  /** Number of particles (trajectories). */
  readonly n: number;
  /** Output times, Unix seconds; length = number of recorded snapshots. */
  readonly times: Float64Array;
  readonly lon: Float32Array;
  readonly lat: Float32Array;
  readonly status: Uint8Array;
  readonly orientation: Uint8Array;
  readonly capsized: Uint8Array;
  /** Forcing used for the coming step (m/s), present unless recording of forcing was turned off. */
  readonly windU?: Float32Array;
  readonly windV?: Float32Array;
  readonly currentU?: Float32Array;
  readonly currentV?: Float32Array;
  /** Release time of each particle, Unix seconds. */
  readonly releaseTime: Float64Array;
  /** Probability weight of each particle (Particles.weight; 1 unless a scenario or ensemble weighs them). */
  readonly weight: Float64Array;
  /** Forcing-ensemble member of each particle (Particles.member; 0 by default). */
  readonly member: Uint16Array;
  /** Scenario of each particle (Particles.scenario; 0 by default). */
  readonly scenario: Uint16Array;
}

// A small raft run and two search units for the planning tests (plan, searched).

export const RAFT_SPEC = {
  name: "raft plan test",
  object_type: 8,
  start_time: "2016-02-01T12:00:00Z",
  duration_hours: 12,
  time_step_seconds: 900,
  output_step_seconds: 3600,
  seed: { lon: 3.0, lat: 60.0, time: "2016-02-01T12:00:00Z", radius_m: 3000, number: 3000 },
  forcing: { wind: { constant: { x: 6, y: 4 } }, current: { constant: { x: 0.2, y: 0 } } },
  random_seed: 1,
  coastline: "none",
};

export const UNITS = {
  conditions: { visibility_nm: 5, wind_kn: 14, sea_ft: 3 },
  units: [
    { name: "Vessel A", platform: "vessel", speed_kn: 12, on_scene_hours: 4 },
    { name: "Heli", platform: "helicopter", speed_kn: 90, on_scene_hours: 1.5, altitude_ft: 500 },
  ],
};

// What the caller gave is wrong (a GPX without times, a track of no unit, a backtrack to plan on): the CLI
// exits 2 and the API answers 400 with the message, which names the file or field and what is allowed.
export class PlanningInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanningInputError";
  }
}

/** A clock for the adapter tests that moves only when told, in seconds (`@waymark/testing`'s `testClock` moves in ms). */
export class TestClock {
  constructor(public ms = Date.UTC(2030, 0, 1)) {}
  now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

// The `name value goal` lines of a run, in the order the scenarios record them.

export class Results {
  lines = new Map();

  /** A measured line. `goal` is text ('>=0.95', '<=300', 'reported' when there is none). */
  record(name, value, goal, detail = {}) {
    if (this.lines.has(name)) throw new Error(`line ${name} recorded twice`);
    this.lines.set(name, { value, goal, ...(Object.keys(detail).length ? { detail } : {}) });
  }

  /** A line that cannot be measured yet: printed as `name n/a goal (reason)`. */
  unavailable(name, goal, reason) {
    this.record(name, 'n/a', goal, { reason });
  }

  /** Writes every line, those named in `order` first, in that order. */
  print(write = (line) => console.log(line), order = []) {
    const names = [...order.filter((n) => this.lines.has(n)), ...[...this.lines.keys()].filter((n) => !order.includes(n))];
    for (const name of names) {
      const { value, goal, detail } = this.lines.get(name);
      write(`${name} ${value} ${goal}${value === 'n/a' ? ` (${detail.reason})` : ''}`);
    }
  }

  toJSON() {
    return Object.fromEntries(this.lines);
  }
}

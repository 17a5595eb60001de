// @ts-check
// Undo and redo over every change of an editing session. Each change is a
// command that knows how to undo and redo itself (a layout edit swaps two
// snapshots of the tree; a rename asks the server to rename back), so undo,
// redo and saving go through one path: the store's. Commands may be
// asynchronous; undo and redo run one at a time, in the order asked, so two
// quick presses of Ctrl+Z undo two steps even while the first is at the server.

/**
 * @typedef {object} Command
 * @property {string} label what the step did, for the Undo button's title
 * @property {string} [coalesce] steps with the same key, one after the other, are one step
 * @property {() => void | Promise<void>} undo
 * @property {() => void | Promise<void>} redo
 * @property {(next: Command) => void} [absorb] makes this step also do `next` (same `coalesce`)
 */

/** How many steps are kept; the oldest go first. */
export const HISTORY_LIMIT = 200;

export class History {
  /** @param {number} [limit] */
  constructor(limit = HISTORY_LIMIT) {
    this.limit = limit;
    /** @type {Command[]} */
    this.done = [];
    /** @type {Command[]} */
    this.undone = [];
    // After an undo or redo the next change starts a step of its own, even
    // with the key of the step before.
    this.sealed = false;
    /** @type {Promise<unknown>} */
    this.queue = Promise.resolve();
    this.running = 0;
  }

  /**
   * Records a change already made. It drops what could be redone, and merges
   * into the last step when both carry the same `coalesce` key.
   * @param {Command} command
   */
  push(command) {
    this.undone = [];
    const last = this.done.at(-1);
    if (!this.sealed && last && command.coalesce && last.coalesce === command.coalesce && last.absorb) {
      last.absorb(command);
    } else {
      this.done.push(command);
      if (this.done.length > this.limit) this.done.shift();
    }
    this.sealed = false;
  }

  /** The next change starts a new step whatever its key (a field lost focus, say). */
  seal() {
    this.sealed = true;
  }

  canUndo() {
    return this.done.length > 0;
  }

  canRedo() {
    return this.undone.length > 0;
  }

  /** Whether an undo or redo is still running (a rename back at the server). */
  get busy() {
    return this.running > 0;
  }

  /** @returns {string} the label of the step Undo would take back, or "" */
  undoLabel() {
    return this.done.at(-1)?.label || "";
  }

  /** @returns {string} the label of the step Redo would do again, or "" */
  redoLabel() {
    return this.undone.at(-1)?.label || "";
  }

  /**
   * Takes the last step back, after any undo or redo already asked for. A
   * step whose undo fails stays where it was, and the promise rejects with
   * the reason.
   * @returns {Promise<Command | null>} the step undone, null when there was none
   */
  undo() {
    return this.step(this.done, this.undone, "undo");
  }

  /** @returns {Promise<Command | null>} the step redone, null when there was none */
  redo() {
    return this.step(this.undone, this.done, "redo");
  }

  /**
   * Runs `task` after every undo, redo and task already asked for, and
   * before any asked for later (a rename that becomes a step when the
   * server answers).
   * @template T
   * @param {() => Promise<T>} task
   * @returns {Promise<T>}
   */
  exclusive(task) {
    this.running += 1;
    const settled = this.queue.then(task).finally(() => {
      this.running -= 1;
    });
    // A failed task must not stop the ones asked for after it.
    this.queue = settled.catch(() => undefined);
    return settled;
  }

  /**
   * @param {Command[]} from
   * @param {Command[]} to
   * @param {"undo" | "redo"} direction
   * @returns {Promise<Command | null>}
   */
  step(from, to, direction) {
    return this.exclusive(async () => {
      const command = from.pop();
      if (!command) return null;
      // Moved before it runs, so that views hearing of its change already
      // see where Undo and Redo stand.
      to.push(command);
      this.sealed = true;
      try {
        await command[direction]();
      } catch (error) {
        to.pop();
        from.push(command);
        throw error;
      }
      return command;
    });
  }
}

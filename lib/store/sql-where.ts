import 'server-only';

/** A WHERE clause built from optional filters: a condition counts only when it is given. */
export class Where {
  private readonly parts: string[] = [];
  readonly args: unknown[] = [];

  /** adds `sql` with its `?` arguments */
  add(sql: string, ...args: unknown[]): this {
    this.parts.push(sql);
    this.args.push(...args);
    return this;
  }

  /** `WHERE a AND b`, or nothing */
  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(' AND ')}` : '';
  }
}

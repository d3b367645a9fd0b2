// Twilio's form bodies repeat keys for lists (MediaUrl=a&MediaUrl=b) and never use bracket
// nesting. The body parser's qs-style objects would turn `Body[x]=1` into an object and change
// shape with the number of repeats, so we read the raw body with URLSearchParams instead, which
// keeps every value as the string Twilio would see.

export class FormParams {
  private readonly params: URLSearchParams;

  constructor(raw: string) {
    this.params = new URLSearchParams(raw);
  }

  /** The first value, or undefined when the key is absent or empty (Twilio treats both alike). */
  get(key: string): string | undefined {
    const value = this.params.get(key);
    return value === null || value === '' ? undefined : value;
  }

  getAll(key: string): string[] {
    return this.params.getAll(key).filter((value) => value !== '');
  }
}

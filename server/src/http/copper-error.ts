/** An error answered with Copper's documented body shapes (reference/copper-api.md). */
export class CopperError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    if (this.status === 404) return { error: 'not_found' };
    return { success: false, status: this.status, message: this.message };
  }
}

export const notFound = (): CopperError => new CopperError(404, 'not_found');
export const invalid = (detail: string): CopperError =>
  new CopperError(422, `Invalid input: Validation errors: ${detail}`);

/**
 * Domain errors carry a stable code and an HTTP status; one mapper (handlers/http-response.ts)
 * turns them into answers, so no handler hand-builds error bodies. Messages never carry secrets
 * or customer data.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidSignatureError extends DomainError {
  constructor(message = 'Webhook signature is missing or does not match') {
    super('INVALID_SIGNATURE', 401, message);
  }
}

export class ValidationError extends DomainError {
  constructor(message: string) {
    super('VALIDATION_FAILED', 400, message);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number) {
    super('PAYLOAD_TOO_LARGE', 413, `Body exceeds the ${limitBytes}-byte limit`);
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('NOT_FOUND', 404, `${what} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('CONFLICT', 409, message);
  }
}

export class UnprocessableError extends DomainError {
  constructor(message: string) {
    super('UNPROCESSABLE', 422, message);
  }
}

/**
 * A correctly signed body that names another shop than the integration its unsigned
 * X-Shopify-Shop-Domain header resolved to: a replayed or redirected delivery, never Shopify.
 */
export class ShopMismatchError extends DomainError {
  constructor() {
    super('SHOP_MISMATCH', 401, 'The signed body names a different shop than X-Shopify-Shop-Domain');
  }
}

import { describe, expect, it } from 'vitest';
import { HttpError, mapError } from '../../../functions/middleware/http-errors.ts';
import { NotFoundError, ValidationError } from '../../../shared/domain/errors.ts';
import { WarehouseError } from '../../../shared/ports/warehouse.ts';

describe('mapError (the one error → HTTP mapping)', () => {
  it('domain errors keep their code and status and are not logged as unexpected', () => {
    const mapped = mapError(new NotFoundError('Brand not found', { code: 'brand_not_found' }));
    expect(mapped).toMatchObject({ status: 404, unexpected: false, body: { error: { code: 'brand_not_found' } } });
    expect(mapError(new ValidationError('bad', { code: 'invalid_body' })).status).toBe(400);
    expect(mapError(new HttpError(405, 'method_not_allowed', 'no')).status).toBe(405);
  });

  it('an unreachable warehouse is a 503 with Retry-After, logged, its cause never echoed', () => {
    const cause = 'the Snowflake key secret arn:aws:secretsmanager:eu-west-1:1:secret:k is not JSON';
    const mapped = mapError(new WarehouseError(cause));
    expect(mapped.status).toBe(503);
    expect(mapped.headers).toEqual({ 'retry-after': '60' });
    expect(mapped.unexpected).toBe(true);
    expect(mapped.body.error.code).toBe('warehouse_unavailable');
    expect(JSON.stringify(mapped.body)).not.toContain('secret');
  });

  it('anything else is a generic 500 that leaks nothing', () => {
    const mapped = mapError(new Error('ECONNREFUSED 10.0.0.7:5432'));
    expect(mapped).toMatchObject({ status: 500, unexpected: true, body: { error: { code: 'internal_error' } } });
    expect(JSON.stringify(mapped.body)).not.toContain('10.0.0.7');
  });
});

import { MongoBulkWriteError, MongoNetworkError, MongoServerError, type BulkWriteResult, type WriteError } from 'mongodb';
import { StoreUnavailableError } from '../../../event-store/src/event-store.port';
import { DocOpError } from '../doc-ops';
import { isUnavailable, toDocOpError, toStoreError } from './mongo-errors';

describe('MongoDB errors', () => {
  it('turns a lost connection into StoreUnavailableError naming the server', () => {
    const mapped = toStoreError(new MongoNetworkError('connection reset'), 'db1:27017', 'applying a batch');
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect((mapped as Error).message).toBe('MongoDB at db1:27017 is unavailable while applying a batch: connection reset');
  });

  it('treats a stepped-down primary and exhausted transaction retries as unavailability', () => {
    expect(isUnavailable(new MongoServerError({ message: 'not primary', code: 10107 }))).toBe(true);
    expect(isUnavailable(new MongoServerError({ message: 'conflict', code: 112, errorLabels: ['TransientTransactionError'] }))).toBe(true);
  });

  it('leaves request errors as they are', () => {
    const duplicate = new MongoServerError({ message: 'E11000 duplicate key', code: 11000 });
    expect(toStoreError(duplicate, 'db1', 'x')).toBe(duplicate);
    const plain = new Error('bug');
    expect(toStoreError(plain, 'db1', 'x')).toBe(plain);
  });

  it('reports an $inc on a non-number as the DocOpError of that document, like the embedded store', () => {
    // The driver builds these from the server reply; only the fields the mapping reads are set here.
    const writeErrors = [{ index: 1, code: 14, errmsg: 'Cannot apply $inc to a value of non-numeric type' }] as unknown as WriteError[];
    const refused = new MongoBulkWriteError({ message: 'bulk failed', code: 14, writeErrors }, {} as BulkWriteResult);
    const mapped = toDocOpError(refused, 'wallets', ['w0', 'w1']);
    expect(mapped).toBeInstanceOf(DocOpError);
    expect(mapped).toMatchObject({ collection: 'wallets', id: 'w1' });
    const other = new MongoBulkWriteError({ message: 'dup', code: 11000, writeErrors: [{ index: 0, code: 11000 }] as unknown as WriteError[] }, {} as BulkWriteResult);
    expect(toDocOpError(other, 'wallets', ['w0'])).toBe(other);
  });
});

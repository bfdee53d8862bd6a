import { summarizeMongoUrl } from './mongo-url';

describe('summarizeMongoUrl', () => {
  it('names the hosts and database without the credentials', () => {
    const summary = summarizeMongoUrl('mongodb://reader:s3cr%40t@db1:27017,db2:27017/coinstream?replicaSet=rs0&authSource=admin');
    expect(summary).toEqual({ hosts: 'db1:27017,db2:27017', dbName: 'coinstream' });
    expect(JSON.stringify(summary)).not.toContain('s3cr');
  });

  it('handles srv URLs, a missing path and a query without a path', () => {
    expect(summarizeMongoUrl('mongodb+srv://u:p@cluster0.example.net/')).toEqual({ hosts: 'cluster0.example.net' });
    expect(summarizeMongoUrl('mongodb://localhost:27017/?replicaSet=rs0')).toEqual({ hosts: 'localhost:27017' });
    expect(summarizeMongoUrl('mongodb://localhost?replicaSet=rs0')).toEqual({ hosts: 'localhost' });
  });

  it('does not take an @ in the query string for the end of credentials', () => {
    expect(summarizeMongoUrl('mongodb://h1:27017/db?appName=a@b')).toEqual({ hosts: 'h1:27017', dbName: 'db' });
  });
});

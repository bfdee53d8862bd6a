/**
 * The hosts of an EventStoreDB connection string (esdb://, esdb+discover://), for messages and
 * logs: credentials are never echoed, whatever the string holds.
 */
export function describeHosts(connectionString: string): string {
  const afterScheme = connectionString.replace(/^[a-z+]+:\/\//i, '');
  const authority = afterScheme.split(/[/?#]/, 1)[0] ?? '';
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  return hosts === '' ? '(no host)' : hosts;
}

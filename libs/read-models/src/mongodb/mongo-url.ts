/**
 * What a connection string says, without its credentials, so that errors and logs can name the
 * server ("MongoDB at db1:27017,db2:27017 is unreachable") and never leak a password.
 */
export type MongoUrlSummary = { hosts: string; dbName?: string };

export function summarizeMongoUrl(url: string): MongoUrlSummary {
  const withoutScheme = url.replace(/^mongodb(\+srv)?:\/\//, '');
  const afterCredentials = withoutScheme.slice(withoutScheme.lastIndexOf('@', firstDelimiter(withoutScheme)) + 1);
  const end = firstDelimiter(afterCredentials);
  const hosts = afterCredentials.slice(0, end) || 'localhost';
  const rest = afterCredentials.slice(end);
  const path = rest.startsWith('/') ? rest.slice(1).split('?')[0] : '';
  return path ? { hosts, dbName: decodeURIComponent(path) } : { hosts };
}

// Credentials end at the last '@' before the path, so a '@' inside the query string is not one.
function firstDelimiter(text: string): number {
  const found = text.search(/[/?]/);
  return found === -1 ? text.length : found;
}

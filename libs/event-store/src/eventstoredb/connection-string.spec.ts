import { describeHosts } from './connection-string';

describe('describeHosts', () => {
  it('names the single development node', () => {
    expect(describeHosts('esdb://localhost:2113?tls=false')).toBe('localhost:2113');
  });

  it('never echoes credentials', () => {
    const described = describeHosts('esdb+discover://admin:s3cr3t@cluster.internal:2113?nodePreference=leader');
    expect(described).toBe('cluster.internal:2113');
    expect(described).not.toContain('s3cr3t');
  });

  it('lists every gossip seed and survives a password holding an @', () => {
    expect(describeHosts('esdb://ops:p@ss@node1:2113,node2:2113,node3:2113?tls=true')).toBe('node1:2113,node2:2113,node3:2113');
  });

  it('says so when there is no host', () => {
    expect(describeHosts('esdb://?tls=false')).toBe('(no host)');
  });
});

import { randomBytes } from 'node:crypto';
import { MongoReadStore } from '../../libs/read-models/src/mongodb/mongo-read-store';
import { readStoreContract } from './read-store.contract';

// Needs a MongoDB replica set (transactions); no server can run on every machine, so the suite
// runs only when MONGODB_URL names one, and says how to enable it otherwise.
const url = process.env.MONGODB_URL;

if (url) {
  readStoreContract('MongoDB', async () => {
    // A database of its own per run, dropped afterwards: runs never see each other's data.
    const dbName = `coinstream_contract_${Date.now()}_${randomBytes(3).toString('hex')}`;
    const store = await MongoReadStore.connect(url, { dbName });
    return {
      store,
      close: async () => {
        try {
          await store.dropDatabase();
        } finally {
          await store.close();
        }
      },
    };
  });
} else {
  const howToEnable = 'ReadStore contract: MongoDB skipped: set MONGODB_URL=mongodb://localhost:27017/?replicaSet=rs0 to run it';
  // Jest does not list the names of wholly skipped suites, so say it where the run log shows it.
  console.warn(howToEnable);
  describe.skip(howToEnable, () => {
    it('runs against a MongoDB replica set named by MONGODB_URL', () => {
      expect(url).toBeDefined();
    });
  });
}

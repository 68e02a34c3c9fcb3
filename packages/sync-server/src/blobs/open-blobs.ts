import { join } from 'node:path';
import { BlobIndex } from './blob-index.js';
import { BlobService, type BlobLimits } from './blob-service.js';
import { FileBlobStorage } from './blob-storage.js';

/** The relay's blob service on its database and `<dataDir>/blobs`. */
export async function openBlobs(
  databaseUrl: string,
  dataDir: string,
  limits: BlobLimits,
  now?: () => number,
): Promise<BlobService> {
  const storage = await FileBlobStorage.open(join(dataDir, 'blobs'));
  return new BlobService(BlobIndex.open(databaseUrl), storage, limits, now);
}

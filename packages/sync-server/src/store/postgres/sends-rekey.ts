/**
 * Re-keys an older database's `sends` (keyed by source device, then client id) by client id
 * first (0156). Runs with the other schema statements, in their transaction and under their
 * lock; does nothing once the key is the new one.
 */
export const rekeySends = `
DO $$
BEGIN
  IF (SELECT a.attname FROM pg_index i
        JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
       WHERE i.indrelid = 'sends'::regclass AND i.indisprimary) = 'source_device_row_id' THEN
    ALTER TABLE sends DROP CONSTRAINT sends_pk,
      ADD CONSTRAINT sends_pk PRIMARY KEY (client_id, source_device_row_id);
  END IF;
END $$`;

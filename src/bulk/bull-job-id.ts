/**
 * One BullMQ job per bulk job: re-adding with the same id is a no-op while BullMQ still holds it.
 * The creation time is part of the id so that a database restored or reset behind Redis's back
 * (ids counting from 1 again) never collides with a finished job BullMQ still remembers.
 */
export const bullJobIdOf = (job: { id: number; createdAt: Date }) =>
  `bulk-${job.id}-${job.createdAt.getTime()}`;

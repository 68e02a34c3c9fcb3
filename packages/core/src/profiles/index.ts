export { Profiles, type ProfilesView } from './profiles.js';
export type { Profile, ProfileInput } from './profile.js';
export * from './limits.js';

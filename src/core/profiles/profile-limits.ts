// How long a profile's name and "about" may be: checked where a profile is made and where it is
// received (profile.ts), and told to the user by the forms that edit them.

export const PROFILE_LIMITS = { nameMax: 80, aboutMax: 2000 } as const;

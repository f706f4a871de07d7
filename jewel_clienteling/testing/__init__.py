"""Stand-ins for the outside services the app talks to, real enough to test against: they listen on a
local port and answer the way the real service does. Never imported by the running app."""

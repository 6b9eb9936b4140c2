// The one client model lives in @waymark/core (the adapter and the OpenID Provider share it).
export { loadClients, clientConfigProblems } from '@waymark/core';

// The one client model lives in @waymark/core (the adapter and the OpenID Provider share it).
export type { Client, ClientConfig, ClientType, TokenEndpointAuthMethod, PkceEnforcement, SigningAlgorithm } from '@waymark/core';

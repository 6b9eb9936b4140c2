// Moved to @waymark/core with the client model (its rules need them); the adapter's endpoints import them from here.
export {
  STANDARD_AUTHORIZATION_PARAMETERS,
  CLIENT_AUTH_PARAMETERS,
  REQUEST_OBJECT_PARAMETERS,
  TOKEN_PARAMETERS,
  JWT_BEARER_ASSERTION_TYPE,
  REQUEST_URI_PREFIX,
} from '@waymark/core/internal';

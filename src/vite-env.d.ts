/// <reference types="vite/client" />
interface ImportMetaEnv {
  readonly VITE_INBOXSDK_APP_ID?: string;
}

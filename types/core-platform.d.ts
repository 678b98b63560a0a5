// The platform APIs src/core may use, declared for `tsc -p tsconfig.core.json`, which type-checks
// the core without the DOM or Node: WebCrypto (every browser, worker and Node has it), text
// encoding, and Blob for photo bytes. A core file that reaches for anything else does not compile.

interface CryptoKey {
  readonly type: string;
  readonly extractable: boolean;
  readonly algorithm: object;
  readonly usages: string[];
}
interface CryptoKeyPair {
  publicKey: CryptoKey;
  privateKey: CryptoKey;
}
type BufferSource = ArrayBufferView<ArrayBuffer> | ArrayBuffer;
interface JsonWebKey {
  [member: string]: unknown;
}
type AlgorithmIdentifier = string | { name: string; [parameter: string]: unknown };
type KeyFormat = "raw" | "spki" | "pkcs8";

interface SubtleCrypto {
  digest(algorithm: AlgorithmIdentifier, data: BufferSource): Promise<ArrayBuffer>;
  generateKey(algorithm: AlgorithmIdentifier, extractable: boolean, usages: string[]): Promise<CryptoKeyPair>;
  importKey(
    format: "jwk",
    key: JsonWebKey,
    algorithm: AlgorithmIdentifier,
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKey>;
  importKey(
    format: KeyFormat,
    key: BufferSource,
    algorithm: AlgorithmIdentifier,
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKey>;
  exportKey(format: "jwk", key: CryptoKey): Promise<JsonWebKey>;
  exportKey(format: KeyFormat, key: CryptoKey): Promise<ArrayBuffer>;
  sign(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer>;
  verify(algorithm: AlgorithmIdentifier, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean>;
  encrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer>;
  decrypt(algorithm: AlgorithmIdentifier, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer>;
  deriveBits(algorithm: AlgorithmIdentifier, baseKey: CryptoKey, length: number): Promise<ArrayBuffer>;
  deriveKey(
    algorithm: AlgorithmIdentifier,
    baseKey: CryptoKey,
    derivedKeyType: AlgorithmIdentifier,
    extractable: boolean,
    usages: string[],
  ): Promise<CryptoKey>;
}

declare var crypto: {
  readonly subtle: SubtleCrypto;
  getRandomValues<T extends ArrayBufferView>(array: T): T;
};

declare class TextEncoder {
  encode(input?: string): Uint8Array<ArrayBuffer>;
}
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: BufferSource): string;
}
declare class Blob {
  constructor(parts?: (BufferSource | Blob | string)[], options?: { type?: string });
  readonly size: number;
  readonly type: string;
  arrayBuffer(): Promise<ArrayBuffer>;
}

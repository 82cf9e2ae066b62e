import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { PackageDefinition } from '@grpc/proto-loader';
import { descriptorSetBase64 } from './generated/descriptor-set.js';

/**
 * The contract's files for server reflection, exactly as buf compiled them. (A package
 * definition from proto-loader goes through protobufjs, which drops `proto3_optional`,
 * so reflection clients would see synthetic oneofs such as `_temperature` as real ones.)
 * `@grpc/reflection` reads only `fileDescriptorProtos` from each entry.
 */
export function contractDescriptors(): PackageDefinition {
  const set = fromBinary(FileDescriptorSetSchema, Buffer.from(descriptorSetBase64, 'base64'));
  const files = set.file.map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file)));
  return Object.fromEntries(
    set.file.map((file) => [file.name, { fileDescriptorProtos: files }]),
  ) as unknown as PackageDefinition;
}

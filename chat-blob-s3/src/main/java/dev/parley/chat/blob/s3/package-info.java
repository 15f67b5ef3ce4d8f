/**
 * A {@link dev.parley.chat.spi.BlobStore} on Amazon S3 or an S3-compatible object store: {@link
 * dev.parley.chat.blob.s3.S3BlobStore}, built with {@link
 * dev.parley.chat.blob.s3.S3BlobStore#builder()}.
 */
package dev.parley.chat.blob.s3;

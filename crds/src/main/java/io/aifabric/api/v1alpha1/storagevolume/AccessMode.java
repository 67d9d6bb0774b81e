package io.aifabric.api.v1alpha1.storagevolume;

/** The PersistentVolumeClaim access modes a StorageVolume can ask for. */
public enum AccessMode {
  ReadWriteOnce,
  ReadOnlyMany,
  ReadWriteMany
}

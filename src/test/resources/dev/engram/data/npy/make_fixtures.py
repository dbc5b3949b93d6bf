# Writes the .npy fixtures of NpyReaderTest with NumPy itself (run: python3 make_fixtures.py).
import numpy as np

np.save("f4_2x3.npy", (np.arange(6, dtype="<f4") / 8).reshape(2, 3))
np.save("f8_3.npy", np.array([0.1, 0.5, 1.0], dtype="<f8"))
np.save("u1_images_2x3x4.npy", np.arange(24, dtype=np.uint8).reshape(2, 3, 4) * 10)
np.save("i8_labels.npy", np.array([0, 9, 3], dtype="<i8"))
np.save("i4_labels.npy", np.array([7, 1], dtype="<i4"))
np.save("f4_scalar.npy", np.array(0.25, dtype="<f4"))
np.save("f4_nhwc_2x2x3x3.npy", (np.arange(36, dtype="<f4") / 35).reshape(2, 2, 3, 3))
with open("f4_v2_2x2.npy", "wb") as f:
    np.lib.format.write_array(f, np.array([[1, 2], [3, 4]], dtype="<f4") / 4, version=(2, 0))
np.save("f4_fortran_2x3.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)))
np.save("f4_bigendian.npy", np.arange(3, dtype=">f4"))
np.save("f2_unknown.npy", np.arange(3, dtype="<f2"))

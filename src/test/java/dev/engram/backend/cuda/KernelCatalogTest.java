package dev.engram.backend.cuda;

import dev.engram.backend.Activation;
import dev.engram.backend.LossKind;
import dev.engram.backend.UpsampleMode;
import dev.engram.backend.cuda.KernelCatalog.Kernel;
import dev.engram.backend.cuda.KernelCatalog.Param;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The catalog the host launches by agrees with the committed PTX: names, parameter lists, block size. */
class KernelCatalogTest {

    @Test
    void everyCataloguedKernelIsInItsFamilysPtxWithTheSameParameters() {
        for (Kernel k : KernelCatalog.all()) {
            PtxEntries.Entry e = PtxEntries.parse(PtxEntries.resourceText(k.family())).get(k.name());
            assertTrue(e != null, k.name() + " is not an .entry of " + k.resource());
            List<String> expected = k.params().stream().map(p -> p.type().ptx()).toList();
            assertEquals(expected, e.paramTypes(), k.name() + ": parameters " + k.params());
            assertEquals(KernelCatalog.THREADS_PER_BLOCK, e.maxThreads(), k.name() + ": .maxntid");
        }
    }

    @Test
    void everyPtxEntryIsCatalogued() {
        Set<String> catalogued = new HashSet<>();
        KernelCatalog.all().forEach(k -> catalogued.add(k.name()));
        for (String family : KernelCatalog.families()) {
            Set<String> stray = new TreeSet<>(PtxEntries.parse(PtxEntries.resourceText(family)).keySet());
            stray.removeAll(catalogued);
            assertTrue(stray.isEmpty(), family + ".ptx has kernels the catalog does not list: " + stray);
        }
    }

    @Test
    void ptxTargetsTheLowestArchitectureNvcc13Writes() {
        for (String family : KernelCatalog.families()) {
            String ptx = PtxEntries.resourceText(family);
            assertTrue(ptx.contains("\n.target sm_75\n"), family + ".ptx is not for compute_75");
            assertTrue(ptx.contains("\n.address_size 64\n"), family + ".ptx is not 64-bit");
        }
    }

    @Test
    void namesAreUniqueAndFollowTheConvention() {
        Set<String> names = new HashSet<>();
        for (Kernel k : KernelCatalog.all()) {
            assertTrue(names.add(k.name()), "duplicate " + k.name());
            assertTrue(k.name().startsWith("engram_"), k.name());
            Set<String> paramNames = new HashSet<>();
            for (Param p : k.params()) {
                assertTrue(paramNames.add(p.name()), k.name() + ": parameter " + p.name() + " twice");
            }
        }
    }

    @Test
    void everyActivationLossAndUpsampleModeHasItsKernels() {
        for (Activation.Kind kind : Activation.Kind.values()) {
            assertEquals("activations", KernelCatalog.activationForward(kind).family());
            assertEquals(6, KernelCatalog.activationBackward(kind).params().size());
            assertEquals(7, KernelCatalog.biasActivationForward(kind).params().size());
        }
        for (LossKind kind : LossKind.values()) {
            assertEquals("losses", KernelCatalog.lossPartial(kind).family());
            assertEquals("losses", KernelCatalog.lossBackward(kind).family());
        }
        for (UpsampleMode mode : UpsampleMode.values()) {
            assertEquals(7, KernelCatalog.upsampleForward(mode).params().size());
            assertEquals(7, KernelCatalog.upsampleBackward(mode).params().size());
        }
        assertEquals(List.of("p", "value", "n"),
                KernelCatalog.get("engram_fill_f32").params().stream().map(Param::name).toList());
    }

    @Test
    void anUnknownNameIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelCatalog.get("engram_nope"));
        assertTrue(e.getMessage().contains("engram_nope"), e.getMessage());
    }

    @Test
    void theParserReadsNamesTypesAndBlockSize() {
        String ptx = """
                .visible .entry engram_x(
                	.param .u64 engram_x_param_0,
                	.param .f32 engram_x_param_1,
                	.param .u32 engram_x_param_2
                )
                .maxntid 256, 1, 1
                {
                }
                .visible .entry engram_y(
                )
                {
                }
                """;
        Map<String, PtxEntries.Entry> entries = PtxEntries.parse(ptx);
        assertEquals(List.of(".u64", ".f32", ".u32"), entries.get("engram_x").paramTypes());
        assertEquals(256, entries.get("engram_x").maxThreads());
        assertEquals(List.of(), entries.get("engram_y").paramTypes());
        assertEquals(0, entries.get("engram_y").maxThreads());
        assertFalse(entries.containsKey("engram_z"));
    }
}

package dev.engram.model;

import dev.engram.backend.Backend;
import dev.engram.io.MalformedDataException;
import dev.engram.nn.AvgPool2d;
import dev.engram.nn.BatchNorm2d;
import dev.engram.nn.Conv2d;
import dev.engram.nn.ConvTranspose2d;
import dev.engram.nn.Dropout;
import dev.engram.nn.ELU;
import dev.engram.nn.Flatten;
import dev.engram.nn.GELU;
import dev.engram.nn.LayerNorm;
import dev.engram.nn.LeakyReLU;
import dev.engram.nn.Linear;
import dev.engram.nn.MaxPool2d;
import dev.engram.nn.Module;
import dev.engram.nn.ReLU;
import dev.engram.nn.Reshape;
import dev.engram.nn.Sequential;
import dev.engram.nn.Sigmoid;
import dev.engram.nn.Softplus;
import dev.engram.nn.Tanh;
import dev.engram.nn.Upsample;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelSpecTest {
    private final Backend cpu = TestBackends.cpu();

    /** An autoencoder spec for 1x8x8 images with the given layer lists (JSON arrays). */
    private static String ae(String encoder, String decoder) {
        return "{\"kind\": \"autoencoder\", \"input\": [1, 8, 8], \"encoder\": " + encoder + ", \"decoder\": " + decoder + "}";
    }

    private static final String DENSE_ENCODER = "[{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 4}]";
    private static final String DENSE_DECODER = "[{\"type\": \"linear\", \"out\": 64}, {\"type\": \"reshape\", \"shape\": [1, 8, 8]}]";

    private static String error(String json) {
        return assertThrows(IllegalArgumentException.class, () -> ModelSpec.parse(json)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) {
            assertTrue(message.contains(p), "expected \"" + p + "\" in: " + message);
        }
    }

    @Test
    void everyPresetRoundTripsThroughItsJson() {
        for (String name : Presets.names()) {
            ModelSpec spec = Presets.spec(name);
            ModelSpec again = ModelSpec.parse(spec.toJson());
            assertEquals(spec, again, name);
            assertEquals(spec.hashCode(), again.hashCode(), name);
            assertEquals(spec.toJson(), again.toJson(), name);
        }
        assertNotEquals(Presets.spec("conv-ae"), Presets.spec("cifar-conv"));
    }

    @Test
    void fillsInDefaultsSoThatWrittenAndOmittedDefaultsAreEqual() {
        ModelSpec terse = ModelSpec.parse(ae("[{\"type\": \"conv2d\", \"out\": 2, \"kernel\": 3}, {\"type\": \"maxpool2d\", \"kernel\": 2}]",
                "[{\"type\": \"upsample\", \"scale\": 2}, {\"type\": \"convtranspose2d\", \"out\": 1, \"kernel\": 3}]"));
        ModelSpec explicit = ModelSpec.parse("{\"kind\": \"autoencoder\", \"input\": [1, 8, 8], \"loss\": \"mse\", \"encoder\": ["
                + "{\"type\": \"conv2d\", \"out\": 2, \"kernel\": 3, \"stride\": 1, \"padding\": 0, \"dilation\": 1, \"bias\": true},"
                + "{\"type\": \"maxpool2d\", \"kernel\": 2, \"stride\": 2, \"padding\": 0}], \"decoder\": ["
                + "{\"type\": \"upsample\", \"scale\": 2, \"mode\": \"nearest\"},"
                + "{\"type\": \"convtranspose2d\", \"out\": 1, \"kernel\": 3, \"stride\": 1, \"padding\": 0,"
                + " \"output_padding\": 0, \"dilation\": 1, \"bias\": true}]}");
        assertEquals(explicit, terse);
        assertEquals(Shape.of(2, 3, 3), terse.codeShape());
        assertMentions(terse.toJson(), "\"stride\":2", "\"mode\":\"nearest\"", "\"loss\": \"mse\"");
        ModelSpec vae = ModelSpec.parse("{\"kind\": \"vae\", \"input\": [1, 8, 8], \"encoder\": " + "[{\"type\": \"flatten\"},"
                + " {\"type\": \"linear\", \"out\": 6}], \"decoder\": " + DENSE_DECODER + "}");
        assertMentions(vae.toJson(), "\"likelihood\": \"bernoulli\"", "\"beta\": 1.0", "\"kl_warmup_steps\": 0");
        assertEquals(Shape.of(3), vae.codeShape());
    }

    /** Every layer type becomes its module, with input channels and features taken from the running shape. */
    @Test
    void everyLayerTypeBuildsItsModuleWithInferredInputSizes() {
        String json = "{\"kind\": \"autoencoder\", \"input\": [3, 8, 8], \"loss\": \"l1\", \"encoder\": ["
                + "{\"type\": \"conv2d\", \"out\": 4, \"kernel\": 3, \"padding\": 1}, {\"type\": \"batchnorm2d\", \"momentum\": 0.2},"
                + "{\"type\": \"leakyrelu\", \"slope\": 0.2}, {\"type\": \"maxpool2d\", \"kernel\": 2}, {\"type\": \"elu\"},"
                + "{\"type\": \"avgpool2d\", \"kernel\": 2}, {\"type\": \"gelu\"}, {\"type\": \"flatten\"},"
                + "{\"type\": \"linear\", \"out\": 5, \"bias\": false}, {\"type\": \"layernorm\"}, {\"type\": \"tanh\"}],"
                + "\"decoder\": [{\"type\": \"linear\", \"out\": 48}, {\"type\": \"softplus\", \"beta\": 2},"
                + "{\"type\": \"dropout\", \"p\": 0.1}, {\"type\": \"reshape\", \"shape\": [3, 4, 4]},"
                + "{\"type\": \"upsample\", \"scale\": 2, \"mode\": \"bilinear\"}, {\"type\": \"relu\"},"
                + "{\"type\": \"convtranspose2d\", \"out\": 3, \"kernel\": 3, \"padding\": 1}, {\"type\": \"sigmoid\"}]}";
        ModelSpec spec = ModelSpec.parse(json);
        AutoencoderModel model = spec.build();
        List<Module> enc = ((Sequential) model.encoder()).layers();
        List<Module> dec = ((Sequential) model.decoder()).layers();
        List<Class<?>> encTypes = List.of(Conv2d.class, BatchNorm2d.class, LeakyReLU.class, MaxPool2d.class, ELU.class,
                AvgPool2d.class, GELU.class, Flatten.class, Linear.class, LayerNorm.class, Tanh.class);
        List<Class<?>> decTypes = List.of(Linear.class, Softplus.class, Dropout.class, Reshape.class, Upsample.class,
                ReLU.class, ConvTranspose2d.class, Sigmoid.class);
        for (int i = 0; i < encTypes.size(); i++) {
            assertInstanceOf(encTypes.get(i), enc.get(i), "encoder layer " + i);
        }
        for (int i = 0; i < decTypes.size(); i++) {
            assertInstanceOf(decTypes.get(i), dec.get(i), "decoder layer " + i);
        }
        assertEquals("LeakyReLU(negative_slope=0.2)", enc.get(2).toString());
        assertEquals(0.1f, ((Dropout) dec.get(2)).p());
        try (AutoencoderModel m = model.build(cpu, 3); Tensor x = cpu.allocate(spec.inputShape(2))) {
            assertEquals(Shape.of(4, 3, 3, 3), ((Conv2d) enc.get(0)).weight().value().shape());
            assertEquals(Shape.of(4), ((BatchNorm2d) enc.get(1)).weight().value().shape());
            assertEquals(Shape.of(5, 16), ((Linear) enc.get(8)).weight().value().shape());
            assertEquals(null, ((Linear) enc.get(8)).bias());
            assertEquals(Shape.of(5), ((LayerNorm) enc.get(9)).weight().value().shape());
            assertEquals(Shape.of(48, 5), ((Linear) dec.get(0)).weight().value().shape());
            assertEquals(Shape.of(3, 3, 3, 3), ((ConvTranspose2d) dec.get(6)).weight().value().shape());
            assertInstanceOf(dev.engram.nn.L1Loss.class, ((Autoencoder) m).reconstructionLoss());
            cpu.randomUniform(x, 1, 0, 0f, 1f);
            assertEquals(spec.inputShape(2), m.forward(x).shape());
        }
    }

    @Test
    void buildsEachKindWithItsSettings() {
        String common = "\"input\": [1, 8, 8], \"decoder\": " + DENSE_DECODER;
        ModelSpec dae = ModelSpec.parse("{\"kind\": \"denoising\", " + common + ", \"encoder\": " + DENSE_ENCODER
                + ", \"noise\": {\"type\": \"salt_and_pepper\", \"fraction\": 0.2}}");
        DenoisingAutoencoder d = assertInstanceOf(DenoisingAutoencoder.class, dae.build());
        assertEquals(Noise.saltAndPepper(0.2f), d.noise());

        ModelSpec sparse = ModelSpec.parse("{\"kind\": \"sparse\", " + common + ", \"encoder\": [{\"type\": \"flatten\"},"
                + " {\"type\": \"linear\", \"out\": 4}, {\"type\": \"sigmoid\"}], \"sparsity\": {\"type\": \"kl\", \"rho\": 0.05, \"weight\": 3}}");
        SparseAutoencoder s = assertInstanceOf(SparseAutoencoder.class, sparse.build());
        assertEquals(SparsityPenalty.Kind.KL, s.sparsity().kind());
        assertEquals(0.05f, s.sparsity().rho());
        assertEquals(3f, s.sparsity().weight());

        ModelSpec vae = ModelSpec.parse("{\"kind\": \"vae\", " + common + ", \"encoder\": [{\"type\": \"flatten\"},"
                + " {\"type\": \"linear\", \"out\": 8}], \"likelihood\": \"gaussian\", \"beta\": 4, \"kl_warmup_steps\": 100}");
        VariationalAutoencoder v = assertInstanceOf(VariationalAutoencoder.class, vae.build());
        assertEquals(4, v.latent());
        assertEquals(Likelihood.GAUSSIAN, v.likelihood());
        assertEquals(4f, v.beta());
        assertEquals(100, v.klWarmupSteps());
    }

    @Test
    void parsesTheShippedExample() throws IOException {
        String json;
        try (InputStream in = ModelSpec.class.getResourceAsStream("examples/my-conv-vae.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        ModelSpec spec = ModelSpec.parse(json, "my-conv-vae.json");
        assertEquals("vae", spec.kind());
        assertEquals(Shape.of(1, 28, 28), spec.inputShape());
        assertEquals(Shape.of(10), spec.codeShape());
        VariationalAutoencoder vae = assertInstanceOf(VariationalAutoencoder.class, spec.build());
        assertEquals(4f, vae.beta());
        assertEquals(2000, vae.klWarmupSteps());
        assertEquals(spec, ModelSpec.parse(spec.toJson()));
    }

    @Test
    void namesTheLayerAndFieldOfABadValue() {
        String m = error(ae("[{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 4}, {\"type\": \"relu\"},"
                + " {\"type\": \"conv2d\", \"out\": 4, \"kernel\": -1}]", DENSE_DECODER));
        assertEquals("model spec: encoder layer 3 (conv2d): 'kernel' must be a positive integer, got -1", m);
        assertMentions(error(ae(DENSE_ENCODER, "[{\"type\": \"linear\", \"out\": 64.5}]")),
                "decoder layer 0 (linear)", "'out' must be a positive integer, got 64.5");
        assertMentions(error(ae("[{\"type\": \"flatten\"}, {\"type\": \"linear\"}]", DENSE_DECODER)),
                "encoder layer 1 (linear)", "'out' is required");
        assertMentions(error(ae("[{\"type\": \"conv2d\", \"out\": 4, \"kernal\": 3}]", DENSE_DECODER)),
                "encoder layer 0 (conv2d)", "unknown field 'kernal'", "kernel, stride, padding");
        assertMentions(error(ae("[{\"type\": \"dropout\", \"p\": 1.5}]", DENSE_DECODER)),
                "encoder layer 0 (dropout)", "1.5");
        assertMentions(error(ae(DENSE_ENCODER, "[{\"type\": \"upsample\", \"scale\": 2, \"mode\": \"cubic\"}]")),
                "'mode' must be one of nearest, bilinear, got \"cubic\"");
        assertMentions(error(ae("[{\"type\": \"flatten\", \"bias\": true}]", DENSE_DECODER)),
                "encoder layer 0 (flatten)", "unknown field 'bias'; it takes no fields");
    }

    @Test
    void refusesAnUnknownLayerTypeListingTheKnownOnes() {
        assertMentions(error(ae("[{\"type\": \"conv3d\", \"out\": 4}]", DENSE_DECODER)),
                "encoder layer 0", "unknown layer type \"conv3d\"", "conv2d, convtranspose2d, linear", "reshape");
        assertMentions(error(ae("[{\"out\": 4}]", DENSE_DECODER)), "encoder layer 0", "'type' is required");
        assertMentions(error(ae("[3]", DENSE_DECODER)), "encoder layer 0: must be a JSON object, got 3");
    }

    @Test
    void refusesShapesThatDoNotFit() {
        assertMentions(error(ae(DENSE_ENCODER, "[{\"type\": \"linear\", \"out\": 60}, {\"type\": \"reshape\", \"shape\": [1, 8, 8]}]")),
                "decoder layer 1 (reshape)", "60", "[1, 8, 8]");
        assertMentions(error(ae(DENSE_ENCODER, "[{\"type\": \"conv2d\", \"out\": 1, \"kernel\": 1}]")),
                "decoder layer 0 (conv2d)", "needs images [C, H, W]", "receives [4]");
        assertMentions(error(ae(DENSE_ENCODER, "[{\"type\": \"linear\", \"out\": 64}]")),
                "the decoder outputs [64] per sample but the input is [1, 8, 8] per sample");
        assertMentions(error(ae("[{\"type\": \"conv2d\", \"out\": 2, \"kernel\": 9}]", DENSE_DECODER)),
                "encoder layer 0 (conv2d)", "[1, 1, 8, 8]");
        assertMentions(error("{\"kind\": \"vae\", \"input\": [1, 8, 8], \"encoder\": " + "[{\"type\": \"flatten\"},"
                        + " {\"type\": \"linear\", \"out\": 5}], \"decoder\": " + DENSE_DECODER + "}"),
                "vae encoder must end in 2 * latent features", "[5] per sample");
    }

    @Test
    void aSparseModelWithNoiseIsASparseDenoisingAutoencoder() {
        String enc = ", \"encoder\": [{\"type\": \"flatten\"}, {\"type\": \"linear\", \"out\": 8}, {\"type\": \"sigmoid\"}],"
                + " \"decoder\": " + DENSE_DECODER;
        ModelSpec spec = ModelSpec.parse("{\"kind\": \"sparse\", \"input\": [1, 8, 8], \"sparsity\": {\"type\": \"kl\","
                + " \"rho\": 0.05, \"weight\": 3}, \"noise\": {\"type\": \"gaussian\", \"std\": 0.2}" + enc + "}");
        assertEquals(spec.toJson(), ModelSpec.parse(spec.toJson()).toJson());
        try (AutoencoderModel m = spec.build()) {
            assertTrue(m instanceof SparseAutoencoder, m.toString());
            assertEquals(java.util.Optional.of(Noise.gaussian(0.2f)), m.trainingNoise());
        }
        try (AutoencoderModel m = ModelSpec.parse("{\"kind\": \"sparse\", \"input\": [1, 8, 8], \"sparsity\": {\"type\":"
                + " \"l1\", \"weight\": 0.01}" + enc + "}").build()) {
            assertEquals(java.util.Optional.empty(), m.trainingNoise());
        }
        assertMentions(error("{\"kind\": \"autoencoder\", \"input\": [1, 8, 8], \"noise\": {\"type\": \"gaussian\","
                + " \"std\": 0.2}" + enc + "}"), "'noise' does not apply to kind autoencoder");
    }

    @Test
    void refusesBadTopLevelFields() {
        String enc = ", \"encoder\": " + DENSE_ENCODER + ", \"decoder\": " + DENSE_DECODER;
        assertMentions(error("{\"kind\": \"gan\", \"input\": [1, 8, 8]" + enc + "}"),
                "'kind' must be one of autoencoder, denoising, sparse, vae, got \"gan\"");
        assertMentions(error("{\"kind\": \"autoencoder\", \"input\": [1, 8, 8], \"beta\": 2" + enc + "}"),
                "'beta' does not apply to kind autoencoder (it is for vae)");
        assertMentions(error("{\"kind\": \"autoencoder\", \"input\": [1, 8, 8], \"epochs\": 2" + enc + "}"),
                "unknown field 'epochs'");
        assertMentions(error("{\"kind\": \"autoencoder\", \"input\": [64, 64]" + enc + "}"), "'input' must be [C, H, W]");
        assertMentions(error("{\"kind\": \"autoencoder\", \"input\": [1, 8, 8], \"encoder\": []" + ", \"decoder\": "
                + DENSE_DECODER + "}"), "'encoder' must be a non-empty list, got []");
        assertMentions(error("{\"kind\": \"denoising\", \"input\": [1, 8, 8]" + enc + "}"), "'noise' is required");
        assertMentions(error("{\"kind\": \"denoising\", \"input\": [1, 8, 8], \"noise\": {\"type\": \"masking\", \"fraction\": 1}"
                + enc + "}"), "model spec: noise: masking noise", "[0, 1)");
        assertMentions(error("{\"kind\": \"denoising\", \"input\": [1, 8, 8], \"noise\": {\"type\": \"gaussian\", \"fraction\": 0.1}"
                + enc + "}"), "noise: unknown field 'fraction'");
        assertMentions(error("{\"kind\": \"sparse\", \"input\": [1, 8, 8], \"sparsity\": {\"type\": \"kl\", \"rho\": 0.05, \"weight\": 1}"
                + enc + "}"), "encoder must end in a Sigmoid");
        assertMentions(error("{\"kind\": \"vae\", \"input\": [1, 8, 8], \"beta\": -1, \"encoder\": [{\"type\": \"flatten\"},"
                + " {\"type\": \"linear\", \"out\": 8}], \"decoder\": " + DENSE_DECODER + "}"), "beta is -1.0");
        assertMentions(error("{\"kind\": \"autoencoder\", \"loss\": \"hinge\", \"input\": [1, 8, 8]" + enc + "}"),
                "'loss' must be one of mse, l1, bce, bce_with_logits");
        assertMentions(error("{\"kind\": \"autoencoder\", \"loss\": \"bce\", \"input\": [1, 8, 8]" + enc + "}"),
                "decoder must end in a Sigmoid", "use bce_with_logits");
    }

    @Test
    void reportsMalformedJsonWithItsPosition() {
        String m = assertThrows(MalformedDataException.class, () -> ModelSpec.parse("{\"kind\": \"vae\",\n \"input\": [1, 2,]}",
                "broken.json")).getMessage();
        assertMentions(m, "broken.json", "line 2");
    }
}

// Composes a rectangle of a frame (renderer-vulkan.c): the scanout's pixels converted from the
// guest's format to XRGB8888, the cursor alpha-blended over them with the CPU renderer's
// integer rounding, so both renderers give the same bytes.
#version 450

layout(local_size_x = 16, local_size_y = 16) in;

// Resources hold the guest's bytes as they are: component i is byte i of a pixel.
layout(set = 0, binding = 0, rgba8ui) uniform readonly uimage2D scanout;
layout(set = 0, binding = 1, rgba8ui) uniform readonly uimage2D cursor;
// The frame: bytes B, G, R, 0xff per pixel (XRGB8888 on a little-endian host).
layout(set = 0, binding = 2, rgba8ui) uniform writeonly uimage2D frame;

// ComposeParams in renderer-vulkan.c.
layout(push_constant) uniform Params {
    ivec4 scanout_bytes; // byte index of red, green, blue, alpha (-1: none) in a pixel
    ivec4 cursor_bytes;
    ivec2 src;           // the rectangle's top left in the scanout resource
    ivec2 dst;           // and in the frame
    ivec2 size;          // its width and height
    ivec2 cursor_pos;    // the cursor image's top left in the frame
    ivec2 cursor_size;   // (0, 0): no cursor
} p;

void main()
{
    ivec2 i = ivec2(gl_GlobalInvocationID.xy);
    if (any(greaterThanEqual(i, p.size)))
        return;
    ivec2 d = p.dst + i;
    uvec4 s = imageLoad(scanout, p.src + i);
    uvec3 rgb = uvec3(s[p.scanout_bytes.x], s[p.scanout_bytes.y], s[p.scanout_bytes.z]);
    ivec2 c = d - p.cursor_pos;
    if (all(greaterThanEqual(c, ivec2(0))) && all(lessThan(c, p.cursor_size))) {
        uvec4 cp = imageLoad(cursor, c);
        uint a = p.cursor_bytes.w >= 0 ? cp[p.cursor_bytes.w] : 255u;
        uvec3 crgb = uvec3(cp[p.cursor_bytes.x], cp[p.cursor_bytes.y], cp[p.cursor_bytes.z]);
        rgb = (crgb * a + rgb * (255u - a) + 127u) / 255u;
    }
    imageStore(frame, d, uvec4(rgb.z, rgb.y, rgb.x, 255u));
}

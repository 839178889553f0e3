/* Interrupt lines into CPUs. */
#include "vr-cpu.h"

static void cpu_irq_set(void *opaque, unsigned line, bool level)
{
    VrCpu *cpu = opaque;
    cpu->ops->set_irq(cpu, line, level);
}

VrIrq vr_cpu_irq(VrCpu *cpu, unsigned line)
{
    return (VrIrq){.set = cpu_irq_set, .opaque = cpu, .line = line};
}

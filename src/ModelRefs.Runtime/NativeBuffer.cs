using System.Runtime.InteropServices;

namespace ModelRefs.Runtime;

/// <summary>Aligned native memory that ORT reads inputs from and writes outputs to; a SafeHandle so a forgotten Dispose still frees it.</summary>
internal sealed unsafe class NativeBuffer : SafeHandle
{
    private const nuint Alignment = 64;

    public NativeBuffer(long bytes)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        // Never zero bytes: an empty tensor still needs a valid pointer.
        Capacity = Math.Max(bytes, (long)Alignment);
        SetHandle((IntPtr)NativeMemory.AlignedAlloc((nuint)Capacity, Alignment));
    }

    public long Capacity { get; }

    public IntPtr Pointer => handle;

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMemory.AlignedFree((void*)handle);
        return true;
    }
}

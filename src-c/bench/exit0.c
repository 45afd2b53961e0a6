/*
 * exit0: a program that exits 0 at once, with no libc and no loader: the
 * kernel's part of a start alone, for exec-cost to set beside /bin/true.
 */
void _start(void);

void _start(void)
{
	__asm__ volatile("mov $60, %eax\n\txor %edi, %edi\n\tsyscall");
	__builtin_unreachable();
}

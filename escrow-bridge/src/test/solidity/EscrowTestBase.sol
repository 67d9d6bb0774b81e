// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {JobEscrow} from "../../main/solidity/JobEscrow.sol";

/// The forge cheatcodes these tests use (forge's own interface; forge-std is not on a registry we
/// can reach in a version we trust, and this is all of it we need).
interface Vm {
    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function deal(address who, uint256 balance) external;
    function warp(uint256 timestamp) external;
    function chainId(uint256 chainId) external;
    function expectRevert() external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata data) external;
    function assume(bool condition) external pure;
}

/// Three oracles, threshold two, one payer and two providers; helpers that sign batches.
abstract contract EscrowTestBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    JobEscrow internal escrow;
    /// Oracle keys, ordered by ascending address.
    uint256[3] internal oracleKeys;
    address internal governance = address(0x60);
    address internal payer = address(0xBA1E);
    address internal provider = address(0xB0B);
    address internal provider2 = address(0xCAFE);

    function setUp() public virtual {
        oracleKeys = _sortedKeys([uint256(0xA11CE), uint256(0xB0B0), uint256(0xC4A1)]);
        escrow = _deploy();
        vm.deal(payer, 1_000_000 ether);
        vm.warp(1_000_000);
    }

    function _deploy() internal returns (JobEscrow) {
        address[] memory oracles = new address[](3);
        for (uint256 i; i < 3; ++i) {
            oracles[i] = vm.addr(oracleKeys[i]);
        }
        return new JobEscrow(governance, oracles, 2);
    }

    function _sortedKeys(uint256[3] memory keys) internal pure returns (uint256[3] memory) {
        for (uint256 i; i < 3; ++i) {
            for (uint256 j = i + 1; j < 3; ++j) {
                if (vm.addr(keys[j]) < vm.addr(keys[i])) (keys[i], keys[j]) = (keys[j], keys[i]);
            }
        }
        return keys;
    }

    function _deposit(address to, uint256 amount, uint64 deadline) internal returns (uint64) {
        bytes32 key = keccak256(abi.encode(to, amount, escrow.nextJobId())); // before the prank
        vm.prank(payer);
        return escrow.deposit{value: amount}(key, to, deadline);
    }

    function _entry(uint64 jobId, uint32 providerId, uint64 usedGwei) internal pure returns (bytes memory) {
        return abi.encodePacked(jobId, providerId, usedGwei);
    }

    function _signature(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, digest);
        return abi.encodePacked(r, s, v);
    }

    /// Signatures of the first two oracles (ascending), over the batch as this escrow sees it.
    function _sign(uint64 nonce, uint64 deadline, bytes memory entries) internal view returns (bytes memory) {
        bytes32 digest = escrow.settlementDigest(nonce, deadline, entries);
        return abi.encodePacked(_signature(oracleKeys[0], digest), _signature(oracleKeys[1], digest));
    }

    function _settle(bytes memory entries) internal {
        uint64 nonce = escrow.settlementNonce();
        uint64 deadline = uint64(block.timestamp + 1 hours);
        escrow.settle(nonce, deadline, entries, _sign(nonce, deadline, entries));
    }

    function _providerId(address who) internal view returns (uint32) {
        return escrow.accountIdOf(who);
    }

    function _eq(uint256 a, uint256 b, string memory what) internal pure {
        if (a != b) revert(string.concat(what, ": ", _str(a), " != ", _str(b)));
    }

    function _str(uint256 v) private pure returns (string memory) {
        if (v == 0) return "0";
        bytes memory b;
        while (v > 0) {
            b = abi.encodePacked(bytes1(uint8(48 + (v % 10))), b);
            v /= 10;
        }
        return string(b);
    }
}
